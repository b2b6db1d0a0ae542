"""The audit log: what coordinators did that others see or that is published."""
