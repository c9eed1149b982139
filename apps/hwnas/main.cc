// hwnas command-line driver (placeholder until the CLI lands).
#include <cstdio>
int main() { std::puts("hwnas"); return 0; }
