package holders

// Leak: jobs are sent on a package-level channel that nothing in the package receives from.
var pending = make(chan *Job, 1024)

func Submit(j *Job) {
	pending <- j // want: leak-risk channel EE0206
}

// Trap: a worker drains the queue.
var work = make(chan *Job, 16)

func Enqueue(j *Job) {
	work <- j // want: retained channel EE0206
}

func Worker(do func(*Job)) {
	for j := range work {
		do(j)
	}
}
