"""supportbot core: config, database, domain services, rendering, Slack gateway."""
