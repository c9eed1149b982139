/* Does not compile: the build error must carry the compiler's diagnostic. */
int main(void) { return undeclared_variable_for_the_test; }
