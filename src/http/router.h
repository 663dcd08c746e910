/*
 * router.h - maps method and path to a handler.
 */
#ifndef LX_ROUTER_H
#define LX_ROUTER_H

#include "http.h"

/* Finds the route for r->method and r->url, fills r->route and r->params
 * and runs its handler; replies 404/405 itself when nothing matches. */
void lx_route(lx_req *r);

#endif
