"""Code shared by the cisco-ios and cisco-asa backends: the config tree reader and small helpers."""
