"""The seed plan's "Monitoring & Alerts" and "Business Metrics": thresholds and cadences."""

from __future__ import annotations

# Application and infrastructure monitoring: alert past these.
UPTIME_EVERY = "1m"
ERROR_RATE_ABOVE = 1.0  # % of requests
SLOW_AFTER = "3s"  # response time
DB_CONNECTIONS_ABOVE = 80.0  # % of capacity
CPU_ABOVE = 80.0  # %
MEMORY_ABOVE = 85.0  # %
DISK_FREE_BELOW = 20.0  # % free
QUEUE_DEPTH_ABOVE = 1000.0  # jobs

# Into incidents (the tiers' own examples): "Site completely down" is Tier 1 after this many
# failed checks in a row, "Performance degradation (> 5 seconds)" sustained is Tier 2.
DOWN_AFTER = 3
SLOW_INCIDENT_AFTER = "5s"
DOWN_TIER = 1
SLOW_TIER = 2
BUSINESS_DROP_TIER = 3

# Business metrics: how often each is measured.
BUSINESS_EVERY = {
    "order_volume": "1d",
    "registrations": "1d",
    "conversion_rate": "7d",
    "cart_abandonment": "7d",
}

TLS_WARN_DAYS = (21, 14, 7)
