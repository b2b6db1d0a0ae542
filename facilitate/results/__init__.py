"""Statement and poll results by the respondents' organisation, and the anonymity rule that
decides what of them may be published."""
