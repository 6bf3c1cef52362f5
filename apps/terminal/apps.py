from django.apps import AppConfig


class TerminalConfig(AppConfig):
    name = "apps.terminal"
    label = "terminal"
