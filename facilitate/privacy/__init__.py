"""The privacy notice (tietosuojaseloste) shown where participants give their personal data:
a site default, and a series' own wording of its editable sections."""
