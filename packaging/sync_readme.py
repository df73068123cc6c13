#!/usr/bin/env python3
"""Copies each file named by an include marker in README.md into the code block under it:

    <!-- include: examples/java-gradle/src/main/java/example/Main.java -->
    ```java
    ...the file, verbatim...
    ```
    <!-- /include -->

tests/test_java_example.py fails when a block and its file differ, so the README never shows stale code.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKED = re.compile(r"(<!-- include: (\S+) -->\n```(\w*)\n)(.*?)(```\n<!-- /include -->)", re.S)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = MARKED.sub(lambda m: m.group(1) + (ROOT / m.group(2)).read_text() + m.group(5), text)
    if new != text:
        readme.write_text(new)
        print("README.md: include blocks updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
