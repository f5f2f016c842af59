from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "safechildhood.cases"
    label = "cases"

    def ready(self) -> None:
        # A case stores its pupil's current school and district: it follows the pupil's
        # transfer (people imports no cases code; see people/moves.py).
        from safechildhood.cases.services.place import cases_follow_pupil
        from safechildhood.people.moves import pupil_follower_register

        pupil_follower_register(cases_follow_pupil)
