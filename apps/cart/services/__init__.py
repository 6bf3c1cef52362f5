"""Cart commands (``carts``), transaction logs with numbering, void and return (``tranlogs``)."""
