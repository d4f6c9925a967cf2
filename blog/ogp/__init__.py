"""Social cards (OGP): everything the site does about the image a shared article shows.

- `blog.logic.ogp`: drawing a card, its hash and the override-image check (no Django).
- `cards`: a post's card on the Django side: drawn when it is saved or goes live, stored under
  its hash, regenerated in bulk (`manage.py generate_ogp`).
- `fields`: the model field for an uploaded replacement image, checked before Django's own.
- `meta`: the `og:image` the article page declares (the card, the upload or the default).
- `admin`: the card preview and "regenerate" on the post page, the category colour preview.
- `gallery`: cards for difficult titles, for a person to look at (`manage.py ogp_gallery`).
"""
