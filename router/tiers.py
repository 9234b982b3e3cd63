"""The three data tiers and their order of protection."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """How sensitive a request's data is; later members need more protection."""

    NON_PHI = "non_phi"
    SOMETIMES_PHI = "sometimes_phi"
    PHI_HEAVY = "phi_heavy"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def carries_phi(self) -> bool:
        return self is not Tier.NON_PHI

    @classmethod
    def highest(cls, *tiers: Tier) -> Tier:
        """Detection may raise a tier, never lower it: the effective tier is the maximum."""
        return max(tiers, key=lambda tier: tier.rank)


_RANK = {Tier.NON_PHI: 0, Tier.SOMETIMES_PHI: 1, Tier.PHI_HEAVY: 2}
