"""Writes one demo product's English and Chinese copy: title, description and highlights.

Copy is assembled from several pools (openers with different sentence shapes, category and kind
selling points that are only used when the product's attributes make them true, attribute
sentences, connectors and closers; see ``demo/content/copy.yaml``), and the Chinese text is
assembled independently from its own pools over the same facts rather than translated
sentence by sentence.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from common.text import CHINESE
from copywriting import conf as copywriting_conf

from .reader import demo_content
from .spec import Bilingual, BrandSpec, Feature, Kind, Leaf, Top, with_article
from .text import (
    MAX_SENTENCES,
    TEXT_PLACEHOLDERS,
    Values,
    capitalize_first,
    decapitalize_first,
    feature_placeholders,
    format_number,
    lower_noun,
    placeholders,
    sentence_count,
    spec_text,
    tidy_zh,
    value_text,
    zh_join,
    zh_name,
)


@dataclass(frozen=True)
class ProductText:
    title: str
    description: str
    highlights: tuple[str, ...]
    # Marketing part ("social_post" …) -> the text the demo merchant approved for it.
    marketing: dict[str, str] = field(default_factory=dict)


class ProductWriter:
    """Writes one product's English and Chinese copy from the same facts."""

    def __init__(
        self,
        rng: random.Random,
        *,
        top: Top,
        leaf: Leaf,
        kind: Kind,
        brand: BrandSpec,
        attributes: dict[str, Any],
    ) -> None:
        self.rng = rng
        self.top, self.leaf, self.kind, self.brand = top, leaf, kind, brand
        self.attributes = attributes
        self.is_book = kind.naming == "book"

    # The English and Chinese texts share every random choice that is a fact (features,
    # qualifier, title parts) and draw their own wording choices (opener, order, connectors).
    def write(self) -> tuple[ProductText, ProductText]:
        rng = self.rng
        scenes = self.kind.scenes or self.leaf.scenes
        traits = self.kind.traits or self.leaf.traits
        # "an insulated insulated water bottle": skip traits the noun already says.
        noun_words = set(self.kind.noun.lower().split())
        traits = tuple(t for t in traits if t.en not in noun_words) or traits
        scene, scene2 = rng.sample(scenes, 2) if len(scenes) > 1 else (scenes[0], scenes[0])
        trait = rng.choice(traits)
        name = self._name()
        author = rng.choice(demo_content().copy.authors) if self.is_book else None

        applicable = self._features()
        rng.shuffle(applicable)
        # Lead with something only this kind of product would say (cushioning for a running
        # shoe, not the shop-wide returns policy) whenever there is one.
        generic = set(self.top.features)
        specific = [f for f in applicable if f not in generic]
        if specific:
            applicable.remove(specific[0])
            applicable.insert(0, specific[0])
        feature_count = min(len(applicable), rng.choice((1, 2, 2, 3, 3)))
        described = applicable[:feature_count]
        others = applicable[feature_count:]

        qualifiers = [q for q in self.kind.qualifiers if q.when.matches(self.attributes)]
        qualifier = rng.choice(qualifiers) if qualifiers and rng.random() < 0.7 else None
        title_layout = {
            "brand": rng.random() < 0.35,
            "gender": rng.random() < 0.85,
            "color": rng.random() < 0.85,
            "brackets": rng.random() < 0.2,
        }
        extras = {
            "color": "color" in self.attributes and rng.random() < 0.35,
            "material": "material" in self.attributes and rng.random() < 0.3,
            "closer": rng.random() < 0.4,
            "opener": rng.random() < 0.88,
        }
        highlight_count = rng.randint(3, 5)
        # Spec lines ("Volume: 75 ml") for facts no selling point already quotes ("75 ml").
        quoted = set().union(*(placeholders(f.highlight.en) for f in applicable))
        attributes = demo_content().attributes
        spec_codes = [
            c
            for c in self.attributes
            if (attributes[c].kind == "number" or c == "material") and c not in quoted
        ]
        highlight_specs = rng.sample(spec_codes, min(len(spec_codes), 2))

        shared = {
            "name": name,
            "scene": scene,
            "scene2": scene2,
            "trait": trait,
            "author": author,
            "described": described,
            "others": others,
            "qualifier": qualifier,
            "title_layout": title_layout,
            "extras": extras,
            "highlight_count": highlight_count,
            "highlight_specs": highlight_specs,
        }
        return self._text("en", **shared), self._text("zh", **shared)

    def _name(self) -> Bilingual:
        rng = self.rng
        if self.is_book:
            genre = str(self.attributes.get("genre", "fiction"))
            copy = demo_content().copy
            pattern = rng.choice(copy.book_titles[genre])
            picks = {key: rng.choice(options) for key, options in copy.book_words.items()}
            return Bilingual(
                pattern.en.format(**{k: v.en for k, v in picks.items()}),
                pattern.zh.format(**{k: v.zh for k, v in picks.items()}),
            )
        word = rng.choice(self.top.model_words)
        suffix = rng.choice(self.top.model_suffixes)
        en = f"{word.en} {suffix}".strip()
        # A word with a Chinese rendering reads better alone in Chinese than with a Latin suffix.
        zh = word.zh if word.zh != word.en else en
        return Bilingual(en, zh)

    def _features(self) -> list[Feature]:
        pool = (*self.kind.features, *self.leaf.features, *self.top.features)
        known = set(self.attributes) | TEXT_PLACEHOLDERS
        if "battery_capacity" in self.attributes:
            known.add("phone_charges")
        # A selling point that quotes an attribute the product lacks (battery life of wired
        # earphones) doesn't apply, whatever its condition says.
        return [
            f for f in pool if f.when.matches(self.attributes) and feature_placeholders(f) <= known
        ]

    def _values(self, language: str, **extra: str) -> Values:
        values = Values()
        for code, value in self.attributes.items():
            values[code] = value_text(code, value, language=language)
        capacity = self.attributes.get("battery_capacity")
        if capacity:
            values["phone_charges"] = format_number(max(1, round(float(capacity) * 0.65 / 4000)))
        values.update(extra)
        return values

    def _text(
        self,
        language: str,
        *,
        name: Bilingual,
        scene: Bilingual,
        scene2: Bilingual,
        trait: Bilingual,
        author: Bilingual | None,
        described: list[Feature],
        others: list[Feature],
        qualifier: Any,
        title_layout: dict[str, bool],
        extras: dict[str, bool],
        highlight_count: int,
        highlight_specs: list[str],
    ) -> ProductText:
        zh = language == "zh"
        copy = demo_content().copy
        pick = (lambda b: b.zh) if zh else (lambda b: b.en)
        brand = self.brand.name_zh or self.brand.name if zh else self.brand.name
        noun = self.kind.noun_zh if zh else lower_noun(self.kind.noun)
        values = self._values(
            language,
            name=zh_name(name.zh) if zh else name.en,
            brand=zh_name(brand) if zh else brand,
            noun=noun,
            scene=pick(scene),
            scene2=pick(scene2),
            trait=pick(trait),
            author=pick(author) if author else "",
        )
        finish = tidy_zh if zh else str.strip
        if not zh:
            values.update(self._english_grammar(pick(trait)))

        # Local random stream per language: wording differs, facts don't.
        wording = random.Random(f"{self.rng.random()}:{language}")

        sentences: list[str] = []
        feature_sentences = [finish(pick(f.sentence).format_map(values)) for f in described]
        first_feature_is_pronoun = bool(feature_sentences) and re.match(
            r"^(It|Its|It's|They|This|These)\b", feature_sentences[0]
        )
        use_opener = extras["opener"] or first_feature_is_pronoun or len(described) < 2
        if use_opener:
            openers = copy.book_openers if self.is_book else copy.openers
            pool = openers.zh if zh else openers.en
            sentences.append(capitalize_first(finish(wording.choice(pool).format_map(values))))
        wording.shuffle(feature_sentences)
        connectors = list(copy.connectors.zh if zh else copy.connectors.en)
        wording.shuffle(connectors)
        for i, sentence in enumerate(feature_sentences):
            if (sentences or i) and wording.random() < 0.25:
                # each connector at most once per description
                connector = connectors.pop()
                sentence = connector + (sentence if zh else decapitalize_first(sentence))
            sentences.append(sentence)

        def fits(text: str) -> bool:
            return sum(map(sentence_count, sentences)) + sentence_count(text) <= MAX_SENTENCES

        if extras["material"]:
            material = str(self.attributes["material"])
            options = copy.material_sentences.get(material, copy.generic_material_sentences)
            sentence = finish(pick(wording.choice(options)).format_map(values))
            if fits(sentence):
                sentences.insert(wording.randint(1, len(sentences)), sentence)
        if extras["color"]:
            pool = copy.color_sentences.zh if zh else copy.color_sentences.en
            sentence = finish(wording.choice(pool).format_map(values))
            if fits(sentence):
                sentences.append(sentence)
        if extras["closer"] or sum(map(sentence_count, sentences)) < 2:
            closer = wording.choice((*self.top.closers, *copy.generic_closers))
            sentence = finish(pick(closer).format_map(values))
            if fits(sentence):
                sentences.append(sentence)
        description = ("" if zh else " ").join(sentences)

        highlights = [finish(pick(f.highlight).format_map(values)) for f in described]
        highlights += [finish(pick(f.highlight).format_map(values)) for f in others]
        specs = [self._spec_highlight(code, language) for code in highlight_specs]
        # Facts from the description first, then spec lines, then other selling points.
        ordered = highlights[: len(described)] + specs + highlights[len(described) :]
        seen: set[str] = set()
        unique = [h for h in ordered if not (h in seen or seen.add(h))]
        title = self._title(language, name, qualifier, title_layout)
        return ProductText(
            title=title,
            description=description,
            highlights=tuple(unique[:highlight_count]),
            marketing=self._marketing(language, values, title=title, selling_points=highlights),
        )

    def _marketing(
        self, language: str, values: Values, *, title: str, selling_points: list[str]
    ) -> dict[str, str]:
        """One text per marketing part, from ``demo/content/marketing.yaml``'s patterns.

        Drawn from a stream of its own, so that the rest of the shop stays as it was.
        """
        zh = language == "zh"
        wording = random.Random(f"marketing:{title}")
        filled = Values(values)
        filled["title"] = title
        tag = self.kind.noun_zh if zh else lower_noun(self.kind.nouns)
        filled["tag"] = re.sub(r"[\s'-]", "", tag if zh else tag.lower())
        for key, text in zip(("highlight", "highlight2"), selling_points, strict=False):
            filled[key] = text
            filled[f"{key}_lower"] = text if zh else decapitalize_first(text)
        limits = copywriting_conf.get("LENGTH_LIMITS")
        finish = tidy_zh if zh else str.strip
        marketing = {}
        for part, patterns in demo_content().marketing.items():
            limit = copywriting_conf.per_language(limits[part], CHINESE if zh else "en")
            fitting = []
            for pattern in patterns.zh if zh else patterns.en:
                try:
                    text = capitalize_first(finish(pattern.format_map(filled)))
                except KeyError:  # names a selling point the product lacks
                    continue
                # "Tessaro Summit WX … | Tessaro": a title that holds the brand already.
                brand = filled["brand"].strip()
                if len(text) <= limit and text.count(brand) <= 1 + filled["name"].count(brand):
                    fitting.append(text)
            if fitting:
                marketing[part] = wording.choice(fitting)
        return marketing

    def _english_grammar(self, trait: str) -> dict[str, str]:
        kind = self.kind
        noun = lower_noun(kind.noun)
        plural = kind.article in ("a pair of", "a set of")
        if kind.article and kind.article not in ("a", "an"):
            a_trait_noun = f"{kind.article} {trait} {noun}"
        else:
            a_trait_noun = with_article(f"{trait} {noun}")
        return {
            "a_trait_noun": a_trait_noun,
            "the_trait_noun": f"the {trait} {noun}",
            "nouns": lower_noun(kind.nouns),
            "this": "these" if plural else "this",
            "This": "These" if plural else "This",
            "is": "are" if plural else "is",
            "was": "were" if plural else "was",
        }

    def _spec_highlight(self, code: str, language: str) -> str:
        spec = demo_content().attributes[code]
        text = spec_text(code, self.attributes[code], language=language, compact=False)
        if language == "zh":
            return f"{spec.name_zh}：{text}"
        return f"{spec.name}: {text}"

    def _title(
        self, language: str, name: Bilingual, qualifier: Any, layout: dict[str, bool]
    ) -> str:
        zh = language == "zh"
        attributes = self.attributes
        gender = attributes.get("gender") if layout["gender"] else None
        color = attributes.get("color") if layout["color"] else None
        specs = [spec_text(c, attributes[c], language=language) for c in self.kind.title_spec]
        if self.is_book:
            fmt = attributes.get("book_format")
            if zh:
                format_text = f"（{value_text('book_format', fmt, language='zh')}）" if fmt else ""
                return f"《{name.zh}》{self.kind.noun_zh}{format_text}"
            suffix = ": A Novel" if self.kind.key == "novel" else ""
            book_format = demo_content().attributes["book_format"]
            format_text = f" ({book_format.option(str(fmt)).label})" if fmt else ""
            return f"{name.en}{suffix}{format_text}"
        if zh:
            brand = (self.brand.name_zh or self.brand.name) if layout["brand"] else ""
            gender_text = value_text("gender", gender, language="zh") if gender else ""
            qualifier_text = qualifier.text.zh if qualifier else ""
            head = zh_join(brand, name.zh)
            body = f"{gender_text}{qualifier_text}{self.kind.noun_zh}"
            color_text = value_text("color", color, language="zh") if color else ""
            return zh_join(head, body, *specs, color_text)
        head = f"{self.brand.name} {name.en}" if layout["brand"] else name.en
        body = f"{qualifier.text.en} {self.kind.noun}" if qualifier else self.kind.noun
        tail = []
        if gender:
            tail.append(demo_content().attributes["gender"].option(str(gender)).label)
        tail.extend(specs)
        if color:
            tail.append(demo_content().attributes["color"].option(str(color)).label.title())
        if not tail:
            return f"{head} {body}"
        if layout["brackets"]:
            return f"{head} {body} ({', '.join(tail)})"
        return f"{head} {body} – {', '.join(tail)}"
