"""Gradient descent on Safran & Shamir's population loss (k = n, identity teacher), in plain
Python: produces the points of the `critcert point` benchmark (examples/points/gaussian-relu-k*.json).

    python3 benches/point_descent.py K SEED STEPS OUT.json [LR]
"""
import math, random, json, sys
k=int(sys.argv[1]); seed=int(sys.argv[2]); steps=int(sys.argv[3]); out=sys.argv[4]
n=k
random.seed(seed)
V=[[1.0 if a==j else 0.0 for a in range(k)] for j in range(k)]
W=[[random.gauss(0,1/math.sqrt(k)) for a in range(k)] for i in range(n)]
def du(u,w):
    nu=math.sqrt(sum(x*x for x in u)); nw=math.sqrt(sum(x*x for x in w))
    c=sum(x*y for x,y in zip(u,w))/(nu*nw); c=max(-1,min(1,c)); th=math.acos(c); s=math.sqrt(max(0,1-c*c))
    return [(nw*s*x/nu+(math.pi-th)*y)/(2*math.pi) for x,y in zip(u,w)]
def kap(u,w):
    nu=math.sqrt(sum(x*x for x in u)); nw=math.sqrt(sum(x*x for x in w))
    c=sum(x*y for x,y in zip(u,w))/(nu*nw); c=max(-1,min(1,c)); th=math.acos(c); s=math.sqrt(max(0,1-c*c))
    return nu*nw*(s+(math.pi-th)*c)/(2*math.pi)
def grad(W):
    G=[]
    for i,wi in enumerate(W):
        g=[x/2 for x in wi]
        for j,wj in enumerate(W):
            if j!=i:
                d=du(wi,wj); g=[a+b for a,b in zip(g,d)]
        for v in V:
            d=du(wi,v); g=[a-b for a,b in zip(g,d)]
        G.append(g)
    return G
def loss(W):
    L=sum(sum(x*x for x in w)/4 for w in W)+sum(sum(x*x for x in v)/4 for v in V)
    for i in range(n):
        for j in range(i+1,n): L+=kap(W[i],W[j])
        for v in V: L-=kap(W[i],v)
    for a in range(k):
        for b in range(a+1,k): L+=kap(V[a],V[b])
    return L
lr=float(sys.argv[5]) if len(sys.argv)>5 else 0.5
for it in range(steps):
    G=grad(W)
    W=[[a-lr*b for a,b in zip(w,g)] for w,g in zip(W,G)]
    if it%500==0:
        gm=max(abs(x) for g in G for x in g); print(it,loss(W),gm,flush=True)
        if gm<1e-12: break
json.dump({"k":k,"n":n,"W":[[W[i][a] for i in range(n)] for a in range(k)]},open(out,'w'))
print("final",loss(W),max(abs(x) for g in grad(W) for x in g))
