#!/usr/bin/env python3
"""Fails when an #include crosses the module graph that CMakeLists.txt declares.

The graph comes from the build (build/module_graph.txt, one "module:deps:test_deps" line per
hwnas_module() call). A module's sources and headers may include its own headers and those of
every module it links, directly or through them; its tests may also use its TEST_DEPS. apps/
and bench/ sit above everything. Each violation is printed as file:line with the edge it
crosses and what to do, so the message is the fix.

  check_layering.py --source . --graph build/module_graph.txt [--print-graph]
"""
import argparse
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]hwnas/([a-z_]+)/')


def read_graph(path):
    deps, test_deps = {}, {}
    for line in pathlib.Path(path).read_text().splitlines():
        if not line.strip():
            continue
        name, d, t = (line.split(":") + ["", ""])[:3]
        deps[name] = [x for x in d.split(",") if x]
        test_deps[name] = [x for x in t.split(",") if x]
    return deps, test_deps


def closure(deps, roots):
    seen, todo = set(), list(roots)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(deps.get(m, []))
    return seen


def check_tree(files, module, allowed, what, root):
    errors = []
    for f in files:
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if m and m.group(1) not in allowed:
                errors.append(f"{f.relative_to(root)}:{n}: {what} of '{module}' includes "
                              f"'{m.group(1)}', which is not below it (allowed: "
                              f"{', '.join(sorted(allowed - {module})) or 'none'}); move the code "
                              f"down, or declare the edge in CMakeLists.txt if the pipeline "
                              f"allows it")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--graph", required=True)
    ap.add_argument("--print-graph", action="store_true")
    a = ap.parse_args()
    root = pathlib.Path(a.source).resolve()
    deps, test_deps = read_graph(a.graph)
    errors = []
    for name in deps:
        if name in closure(deps, deps[name]):
            errors.append(f"CMakeLists.txt: module '{name}' depends on itself through {deps[name]}")
    present = {p.name for p in (root / "src").iterdir() if p.is_dir()}
    present |= {p.name for p in (root / "include/hwnas").iterdir() if p.is_dir()}
    for name in sorted(present - set(deps)):
        errors.append(f"src/{name} or include/hwnas/{name}: module '{name}' is not declared with "
                      f"hwnas_module() in CMakeLists.txt")
    for name in deps:
        allowed = closure(deps, [name])
        lib = list((root / "src" / name).rglob("*.[ch]*")) + list((root / "include/hwnas" / name).rglob("*.h"))
        errors += check_tree(lib, name, allowed, "code", root)
        tests = list((root / "tests" / name).rglob("*.[ch]*"))
        errors += check_tree(tests, name, allowed | closure(deps, test_deps[name]), "a test", root)
    if a.print_graph:
        for name in deps:
            print(f"{name} -> {', '.join(deps[name]) or '(nothing)'}")
    for e in errors:
        print(e)
    print(f"layering: {len(deps)} modules, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
