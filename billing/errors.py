"""Billing's refusals, each with the machine-readable code the client branches on. (Too few
credits is the platform-wide `filmstudio.errors.PaymentRequired`, 402 `insufficient_credits`.)"""

from filmstudio.errors import DomainError


class InvalidAmount(DomainError):
    code = "invalid_amount"
    default_detail = "The amount must be a non-zero whole number of credits."


class UnknownPlan(DomainError):
    code = "invalid_plan"
    default_detail = "There is no such plan."
