package holders

type node struct {
	v    []byte
	next *node
}

// Leak: each push links the new node to the old head, so the whole chain stays reachable.
var head *node

func Push(v []byte) {
	head = &node{v: v, next: head} // want: leak-risk global-var EE0204
}

// Trap: a stack whose nodes are popped off.
var top *node

func PushPop(v []byte) {
	top = &node{v: v, next: top} // want: retained global-var EE0204
}

func Pop() []byte {
	if top == nil {
		return nil
	}
	v := top.v
	top = top.next
	return v
}
