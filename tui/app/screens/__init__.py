"""Modal screens: help, edit callback details, called back."""
