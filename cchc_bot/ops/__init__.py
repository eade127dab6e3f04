"""Operating an installation: settings, logging, the doctor, backups, the instance lock."""
