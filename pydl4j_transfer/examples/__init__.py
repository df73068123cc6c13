"""Small runnable examples of the Python API (``python -m pydl4j_transfer.examples.<name>``)."""
