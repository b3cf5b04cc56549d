"""The ``bisnap`` command line (needs the ``bisnap[cli]`` extra); ``bisnap.cli.main`` runs it."""
