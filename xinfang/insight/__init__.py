"""Text intelligence on petitions (形势网上判): routing suggestions, repeat and near-duplicate detection, hot issues
and place extraction. ``core/`` works on plain records (no ORM); ``integration`` connects it to the petition spine.
"""
