"""Global CLI state set by the app callback."""

state = {"debug": False}
