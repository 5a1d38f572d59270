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
    r"(?:版权所有|主办单位|承办单位|主办|承办|技术支持|网站标识码|网站识别码)\s*[:：]",
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
]
_FURNITURE = regex.compile(r"^\s*(?:" + "|".join(_MARKERS) + r")", regex.V1)


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))
