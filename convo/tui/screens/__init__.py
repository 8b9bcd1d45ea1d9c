"""The app's screens and modals, one a module, each with its stylesheet beside it."""
