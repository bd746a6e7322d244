"""``python -m aiaudit``."""

from .cli import main

if __name__ == "__main__":
    main()
