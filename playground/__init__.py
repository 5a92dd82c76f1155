"""Local stand-ins for Slack: a fake Web API, Block Kit checks and signed request builders."""
