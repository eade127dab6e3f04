"""Word documents of a period: the district's CCHC report and each unit's own report."""
