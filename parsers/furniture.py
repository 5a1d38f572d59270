"""Site furniture: the lines a government web page wraps around a notice.

Shared by every reader of scraped pages (text scrapes and HTML). A line is furniture when it
starts with, or consists of, one of the markers below; lines that carry notice metadata
(发布日期, 来源, 文号) are kept for the metadata stage.
"""

from __future__ import annotations

import regex

_MARKERS = [
    r"网站支持IPv6",
    r"(?:您|你)(?:现在|当前)?的?(?:位置|所在位置)",
    r"当前位置",
    r"首页\s*[>＞»/]",
    r"【?\s*(?:浏览)?字号\s*[:：]?\s*[【\[]?\s*(?:大|-|\+)",
    r"【?\s*(?:打印(?:本页|此页|正文|本文)?|关闭(?:窗口|本页|此页)?)\s*】?\s*(?:[|｜【\s]*(?:打印|关闭|收藏|分享|返回顶部)\s*】?)*$",
    r"分享到",
    r"(?:联系我们|友情链接|网站地图)\s*[|｜]",
    r"(?:版权所有|技术支持|网站标识码|网站识别码)\s*[:：]",
    r"\d{4}\s*©|©|Copyright",
    r"联系电话\s*[:：]",
    r"地址\s*[:：].{0,40}$",
    r".{0,40}ICP\s*备",
    r".{0,40}公网安备",
    r"扫一扫",
    r"相关(?:链接|文件|附件)\s*[:：]?$",
    r"(?:上一篇|下一篇)\s*[:：]",
    r"(?:访问量|浏览次数|阅读次数)\s*[:：]",
    r".{0,20}\|\s*English\b",
    r"(?:简体版|繁体版|繁體版|无障碍浏览|长者助手)",
    r"【\s*(?:我要纠错|打印|关闭|收藏)[^】]{0,4}】",
    # a site's links standing alone on a line
    r"(?:网站地图|附件下载|相关附件|返回顶部|政府信息公开|相关阅读|相关文章|打印本页)\s*[:：]?\s*$",
    # a page number: — 2 —, - 3 -, 第 2 页
    r"[—\-－–]+\s*\d{1,4}\s*[—\-－–]+\s*$|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?\s*$",
]
_FURNITURE = regex.compile(r"^\s*(?:" + "|".join(_MARKERS) + r")", regex.V1)


# 主办单位：/承办单位： head a site's footer, and also a plan's labelled lines (主办单位：区司法局
# under a task): they are furniture only beside other furniture.
_FOOTER_LABEL = regex.compile(r"^\s*(?:主办单位|承办单位|主办|承办)\s*[:：]")
NEAR = 3  # lines


# marks of a site's footer anywhere on a line (主办：X 承办：Y 网站标识码：…)
_FOOTER_ANYWHERE = regex.compile(
    r"网站标识码|网站识别码|ICP\s*备|公网安备|版权所有|版权归|©|Copyright|"
    r"主办(?:单位)?\s*[:：].{0,40}承办(?:单位)?\s*[:：]"
)


def is_furniture(line: str) -> bool:
    """A line that is site furniture wherever it stands."""
    return bool(_FURNITURE.match(line) or _FOOTER_ANYWHERE.search(line))


def furniture_lines(lines: list[str]) -> list[bool]:
    """Which lines of a page are furniture: those `is_furniture` names, and 主办单位：/承办单位：
    lines within three lines of one of them (a footer, not a plan's labelled line)."""
    flags = [is_furniture(line) for line in lines]
    for i, line in enumerate(lines):
        if _FOOTER_LABEL.match(line):
            near = flags[max(0, i - NEAR) : i] + flags[i + 1 : i + 1 + NEAR]
            flags[i] = any(near)
    return flags
