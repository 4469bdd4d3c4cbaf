#pragma once

#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace Sightline {

// A bounded FIFO over one contiguous allocation (grown on demand). When full, pushBack()
// overwrites the oldest element, so memory never grows past capacity().
// Index 0 is the oldest element. insert() keeps the buffer usable as a
// sorted series (history merged into the middle); it is O(n) and meant for
// the rare out-of-order point, while pushBack()/popFront() are O(1).
//
// A plain template: no QObject, no locking (everything runs on one thread).
template<typename T>
class RingBuffer
{
public:
    explicit RingBuffer(std::size_t capacity = 1024)
        : m_capacity(std::max<std::size_t>(capacity, 1))
    {
    }

    std::size_t capacity() const { return m_capacity; }
    // Elements the storage holds now (grows on demand up to capacity()).
    std::size_t storageSize() const { return m_data.size(); }
    std::size_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    bool isFull() const { return m_size == m_capacity; }

    const T &at(std::size_t i) const
    {
        Q_ASSERT(i < m_size);
        return m_data[physical(i)];
    }
    T &operator[](std::size_t i)
    {
        Q_ASSERT(i < m_size);
        return m_data[physical(i)];
    }
    const T &operator[](std::size_t i) const { return at(i); }
    const T &front() const { return at(0); }
    const T &back() const { return at(m_size - 1); }

    // Appends; when full, drops the oldest element first. Returns true when
    // an element was dropped.
    bool pushBack(const T &value)
    {
        bool dropped = false;
        if (isFull()) {
            popFront();
            dropped = true;
        }
        makeRoomAtBack();
        m_data[physical(m_size)] = value;
        ++m_size;
        return dropped;
    }

    void popFront()
    {
        Q_ASSERT(m_size > 0);
        m_data[m_head] = T();
        m_head = (m_head + 1) % m_data.size();
        --m_size;
    }

    // Inserts before index i (0..size()). When full, the oldest element is
    // dropped first, so inserting at 0 into a full buffer drops the value
    // itself and returns false. Returns true when the value was stored.
    bool insert(std::size_t i, const T &value)
    {
        Q_ASSERT(i <= m_size);
        if (isFull()) {
            if (i == 0)
                return false;
            popFront();
            --i;
        }
        makeRoomAtBack();
        m_data[physical(m_size)] = value;
        ++m_size;
        for (std::size_t k = m_size - 1; k > i; --k)
            std::swap(m_data[physical(k)], m_data[physical(k - 1)]);
        return true;
    }

    // Gives back the storage above size() (grown while more was kept).
    void squeeze()
    {
        if (m_data.size() <= std::max<std::size_t>(16, m_size * 2))
            return; // not worth a copy
        std::rotate(m_data.begin(), m_data.begin() + static_cast<std::ptrdiff_t>(m_head), m_data.end());
        m_head = 0;
        m_data.resize(std::max<std::size_t>(16, m_size));
        m_data.shrink_to_fit();
    }

    void clear()
    {
        m_data.clear();
        m_data.shrink_to_fit();
        m_head = 0;
        m_size = 0;
    }

    // The first index whose element is not less than key under less(element, key).
    template<typename Key, typename Less>
    std::size_t lowerBound(const Key &key, Less less) const
    {
        std::size_t lo = 0;
        std::size_t hi = m_size;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (less(at(mid), key))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

private:
    std::size_t physical(std::size_t i) const { return (m_head + i) % m_data.size(); }

    // Storage grows on demand up to capacity(), so an idle series costs
    // nothing; once every slot is used it wraps like a classic ring.
    void makeRoomAtBack()
    {
        if (m_size < m_data.size())
            return;
        std::rotate(m_data.begin(), m_data.begin() + static_cast<std::ptrdiff_t>(m_head), m_data.end());
        m_head = 0;
        const std::size_t grown = std::min(m_capacity, std::max<std::size_t>(16, m_data.size() * 2));
        m_data.resize(grown);
    }

    std::vector<T> m_data;
    std::size_t m_capacity;
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace Sightline
