#include "cli.h"
int cmd_fetch(struct cli *c, int a, char **v) { (void)c;(void)a;(void)v; return 1; }
int cmd_status(struct cli *c, int a, char **v) { (void)c;(void)a;(void)v; return 1; }
int cmd_schedule(struct cli *c, int a, char **v) { (void)c;(void)a;(void)v; return 1; }
int cmd_demo(struct cli *c, int a, char **v) { (void)c;(void)a;(void)v; return 1; }
