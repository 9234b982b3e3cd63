"""sovereign-router: a policy-driven AI router that keeps PHI where the policy says it may go."""

__version__ = "0.1.0"
