"""Qt widgets. No torch here: widgets talk to the engine through requests and results."""
