"""Errors raised by the users domain."""

from gesso.errors import InvalidInput, NotFound

LAST_ADMIN_MESSAGE = "Cannot remove the last administrator"


class UserNotFound(NotFound):
    def __init__(self, detail: str = "User not found") -> None:
        super().__init__(detail)


class EmailTaken(InvalidInput):
    def __init__(self) -> None:
        super().__init__("A user with this email already exists")


class LastAdministrator(InvalidInput):
    def __init__(self) -> None:
        super().__init__(LAST_ADMIN_MESSAGE)


class SystemUserProtected(InvalidInput):
    def __init__(self, action: str = "be changed") -> None:
        super().__init__(f"The built-in system user cannot {action}")


class SetupAlreadyDone(InvalidInput):
    def __init__(self) -> None:
        super().__init__("Administrator account already configured")


class IncorrectCurrentPassword(InvalidInput):
    def __init__(self, detail: str = "Current password is incorrect") -> None:
        super().__init__(detail)


class InvalidEmail(InvalidInput):
    pass
