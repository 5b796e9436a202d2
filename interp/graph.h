/* graph.h — computation graphs (graph.c): graph(f, x) records one evaluation of f at x
 * with the autograd tape (runtime/autograd.h), runs the backward pass, and keeps every
 * node's op, value and gradient, so a student can see what grad computes: printed as a
 * tree (micrograd's draw_dot, in text), plotted as SVG, walked by `explain grad(f, x)`.
 *
 * A Graph is a counted value (V_GRAPH) that owns detached copies of the values and
 * gradients: it holds nothing of the tape, which is dropped once the graph is built.
 */
#ifndef NN_GRAPH_H
#define NN_GRAPH_H

#include "args.h"

typedef enum {
  GN_OP,    /* the result of an op */
  GN_INPUT, /* x, the point the graph is drawn at */
  GN_PARAM, /* a model's parameter (a tracked leaf other than x) */
  GN_CONST  /* a tensor the function used that takes no gradient */
} GNodeKind;

typedef struct GNode {
  GNodeKind kind;
  char *op;       /* nn's name: "+", "sigmoid", "matmul"; an input's or parameter's name */
  Tensor *value;  /* the node's value (a copy) */
  Tensor *grad;   /* ∂f/∂node, value's shape; NULL for constants (and nodes no gradient reaches) */
  int n_in;
  int *in;        /* inputs, as indices into Graph.nodes (an input used twice appears twice) */
  int order;      /* its place in the backward pass: 0 for the output, -1 when not reached */
  int group;      /* 1 + index into Graph.groups of the function that made it, 0: f itself */
} GNode;

/* Functions whose nodes are grouped under their name, at most this many per graph. */
enum { GRAPH_MAX_GROUPS = 64 };

/* nodes[0] is f's output; the nodes are numbered in the order a depth-first walk from it
   meets them (inputs left to right), which is the order the tree draws them: node i is
   shown as [i + 1]. */
struct Graph {
  int rc;
  char *fname;  /* "f", "swish", "net": ∂fname/∂… in the text */
  char *at;     /* x as the call gave it, on one line */
  int n;
  GNode *nodes;
  int n_groups;
  char *groups[GRAPH_MAX_GROUPS]; /* names of the functions f called ("swish", "mse") */
};

/* The text tree draws at most GRAPH_DRAW_MAX lines, GRAPH_DRAW_DEPTH + 1 levels deep (a
   long chain would run off the screen sideways); the SVG at most GRAPH_DRAW_MAX boxes.
   What is left out is counted. */
enum { GRAPH_DRAW_MAX = 60, GRAPH_DRAW_DEPTH = 19 };

/* graph(f, x) and the release hook of V_GRAPH. */
void graph_register(Interp *I);

/* Record f at x (f a function, model or layer returning a scalar) and back-propagate:
   the graph, rooted on I's root stack. Errors (f not callable, a non-scalar or constant
   result, a graph too big) are located at site, in who's name ("graph", "explain"). */
Graph *graph_build(Interp *I, Value f, Value x, const Node *site, const char *who);

/* The text tree (print and the REPL's echo). */
void graph_format(StrBuf *b, const Graph *g);
/* A node's value or gradient on one line: a number, a short vector, or its shape and mean. */
void graph_fmt_tensor(StrBuf *b, const Tensor *t);
/* A node's name in formulas: "x", "W", or "[3]". */
void graph_node_name(StrBuf *b, const Graph *g, int i);

/* plot(graph(...)) with file = "g.svg": the picture plot.c writes (boxes and arrows,
   inputs on the left), width × height pixels. In the terminal it draws graph_format. */
void graph_svg(StrBuf *b, const Graph *g, int *width, int *height);

#endif
