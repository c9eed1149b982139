/* Never exits: the runner's timeout must kill QEMU. */
int main(void) {
  for (volatile unsigned i = 0;; ++i) {
  }
}
