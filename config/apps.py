from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app: installs the input bounds (config.inputs) once at start-up."""

    name = "config"
    verbose_name = "驻村通"

    def ready(self):
        from . import inputs

        inputs.install()
