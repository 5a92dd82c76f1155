"""APScheduler jobs: periodic work that calls the bot services."""
