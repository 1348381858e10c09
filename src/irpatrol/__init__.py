"""irpatrol: drone infrared inspection of power distribution lines."""

__version__ = "0.1.0"
