package batch

import "github.com/apache/arrow-go/v18/arrow/memory"

// memoryAllocator is the allocator for buffers this package creates.
var memoryAllocator = memory.DefaultAllocator
