"""The presenter view: what the coordinator shares on screen, driven live by the room."""
