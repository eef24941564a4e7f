"""The marker a store write returns through the app's guard when the library could not be written."""

NOT_SAVED = object()
