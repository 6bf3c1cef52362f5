"""Run the redelivery job now, or redeliver one event (operators' tool; beat runs the job every 5 minutes)."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import events


class Command(BaseCommand):
    help = "Redeliver undelivered events (the beat job), or one event with --event-id."

    def add_arguments(self, parser):
        parser.add_argument("--event-id", help="deliver this event now to the consumers that have not received it")

    def handle(self, *args, **options):
        event_id = options.get("event_id")
        if event_id:
            try:
                outcome = events.event_deliver(event_id=event_id)
            except events.EventNotFound:
                raise CommandError(f"no event {event_id}") from None
            self.stdout.write(f"{event_id}: {outcome or 'nothing to deliver'}")
            return
        counts = events.event_redeliver_undelivered()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
