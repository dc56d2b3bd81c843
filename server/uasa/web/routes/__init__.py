"""One blueprint per HTTP concern; routes import support modules, never each other."""
