/* The smallest task: say hello and end. */
#include <resea/printf.h>

int main(void) {
    printf("hello: hello from user space!\n");
    return 0;
}
