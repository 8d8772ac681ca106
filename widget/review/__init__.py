"""Review and retention: doubtful signatures, their undoable changes, purge, signers' rights."""


def init_app(app):
    """Register the review, purge and signer commands."""
