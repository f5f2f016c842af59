"""Models of statistics: official figures, indicators, dashboards, reports and the public page."""
