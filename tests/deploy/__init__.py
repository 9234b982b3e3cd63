"""Deployment artefacts: the Helm chart, the Prometheus rules, the Grafana dashboard."""
