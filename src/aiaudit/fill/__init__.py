"""Interactive fill-in: the ``fill`` and ``classify`` questionnaires on a terminal."""
