"""Fixtures the assistant's tests share."""

from __future__ import annotations

import pytest

from assistant.flows import knowledge
from orders.demo.help_articles import ARTICLES
from orders.demo.help_articles_zh import TRANSLATIONS
from orders.models import ArticleLanguage, HelpArticle


@pytest.fixture
def help_center(db: None) -> None:
    """The demo's help center, English and Chinese, indexed afresh."""
    for spec in ARTICLES:
        article = HelpArticle.objects.create(
            slug=spec["slug"], title=spec["title"], category=spec["category"], body=spec["body"]
        )
        zh = TRANSLATIONS[spec["slug"]]
        HelpArticle.objects.create(
            slug=f"{spec['slug']}-zh",
            title=zh["title"],
            category=spec["category"],
            body=zh["body"],
            language=ArticleLanguage.CHINESE,
            translation_of=article,
        )
    knowledge.index_reset()
