"""The Python-Markdown pipeline: a fixed set of extensions, then the sanitiser.

This module owns how a Markdown instance is built (which extensions, raw HTML shown as
text, heading levels starting at h2) and the unbounded conversion of one body to sanitised
HTML. Nothing here limits time or size: it runs only inside the render worker's child.
"""

from __future__ import annotations

import re

from content.rendering.sanitize import sanitize_html


def _new_markdown():
    import markdown
    from markdown.extensions import Extension
    from markdown.extensions.tables import TableExtension
    from markdown.treeprocessors import Treeprocessor

    class _HeadingLevels(Treeprocessor):
        """The document's top heading level becomes h2, the rest keep their distance.

        Writers use "#" or "##" for sections as habit dictates; either way the page has no
        second h1 and no skipped level. Anything deeper than h4 is clamped to h4.
        """

        def run(self, root):
            headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]
            if headings:
                top = min(int(el.tag[1]) for el in headings)
                for el in headings:
                    el.tag = f"h{min(4, int(el.tag[1]) - top + 2)}"

    class _HubMarkdown(Extension):
        def extendMarkdown(self, md):
            # Raw HTML is shown as text, not interpreted: contributors are not writing HTML,
            # and pasted markup would otherwise come out half-stripped. bleach still runs.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            md.treeprocessors.register(_HeadingLevels(md), "hub_heading_levels", 1)

    # No attr_list (it sets arbitrary attributes, event handlers included), no footnotes or
    # toc (they need id attributes), no md_in_html (no raw HTML at all). nl2br because
    # Urdu poetry and text pasted from phones rely on single line breaks.
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            "fenced_code",
            "def_list",
            "abbr",
            "sane_lists",
            "nl2br",
            _HubMarkdown(),
        ],
        output_format="html",
    )


def _render_unbounded(md, text: str) -> str:
    md.reset()
    return sanitize_html(md.convert(text))
