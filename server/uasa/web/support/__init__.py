"""What the routes share: errors, language, labels, paths, the query runner, hooks."""
